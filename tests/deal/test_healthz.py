"""/healthz says 503 whenever pages cannot be served, not only when the
database is away: the seen fault was 200 from /healthz while every page gave
500 for a missing static files manifest."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import TemplateDoesNotExist
from django.utils.functional import empty


@pytest.fixture
def manifest_storage(settings, tmp_path):
    """Production's storage, with collectstatic never run into STATIC_ROOT."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # Django forgets the storage it made when STORAGES changes (a
    # setting_changed receiver), so the next use builds this one.
    yield
    staticfiles_storage._wrapped = empty


def test_healthz_is_503_when_the_static_files_manifest_is_missing(client, db, manifest_storage):
    # What a page gives in that state: the fault /healthz must report.
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        staticfiles_storage.url("css/app.css")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"static files not collected\n"


def test_healthz_is_200_with_plain_static_files(client, db):
    assert client.get("/healthz").status_code == 200


def test_healthz_is_503_when_the_page_layout_cannot_be_loaded(client, db, monkeypatch):
    def missing(name, *args, **kwargs):
        raise TemplateDoesNotExist(name)

    monkeypatch.setattr("deal.views.loader.get_template", missing)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"templates unavailable\n"


def test_healthz_makes_one_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/healthz").status_code == 200

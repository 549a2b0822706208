"""Password reset: limited per address and per account, and answering an
existing account exactly as an unknown one, with the email sent only after
the answer."""

import re

import pytest
from django.core import mail

RESET = "/accounts/password-reset/"


@pytest.fixture
def deferred(monkeypatch):
    """What the reset view leaves to run after its response, not yet run."""
    tasks = []
    monkeypatch.setattr("deal.signin.after_response", lambda response, task: tasks.append(task))
    return tasks


def ask_for_reset(web, email, address="10.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    form = web.get(RESET, extra_environ=environ).forms[0]
    form["email"] = email
    return form.submit(extra_environ=environ, expect_errors=True)


def test_the_email_is_sent_after_the_answer_not_before(web, alice, deferred):
    response = ask_for_reset(web, "Alice@Example.org")
    assert response.status_code == 302
    # The answer is complete and nothing has been looked up or sent yet.
    assert mail.outbox == []
    assert len(deferred) == 1
    deferred[0]()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]


def test_an_existing_and_an_unknown_account_get_the_same_answer(web, alice, deferred):
    known = ask_for_reset(web, "alice@example.org", address="10.0.0.1")
    unknown = ask_for_reset(web, "stranger@example.org", address="10.0.0.2")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.body == unknown.body
    # Both leave exactly the same work for after the answer.
    assert len(deferred) == 2
    nonce = re.compile(r'nonce="[^"]*"')
    assert nonce.sub("", known.follow().text) == nonce.sub("", unknown.follow().text)
    deferred[1]()
    assert mail.outbox == []


def test_the_email_really_goes_once_the_answer_is_sent(web, alice):
    # Through the whole stack: the server closes the response, the email goes.
    ask_for_reset(web, "alice@example.org")
    assert len(mail.outbox) == 1


def test_one_account_gets_at_most_the_limit_of_emails(web, alice, settings):
    limit = settings.PASSWORD_RESET_ACCOUNT_LIMIT
    answers = [
        ask_for_reset(web, "alice@example.org", address=f"10.0.1.{n}") for n in range(limit + 3)
    ]
    assert len(mail.outbox) == limit
    # Every request gets the usual answer: it tells nobody anything.
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, "/accounts/password-reset/sent/")
    }


def test_one_address_is_stopped_after_the_limit(web, alice, bob, settings):
    limit = settings.PASSWORD_RESET_ADDRESS_LIMIT
    for n in range(limit):
        response = ask_for_reset(web, f"someone{n}@example.org", address="203.0.113.5")
        assert response.status_code == 302
    response = ask_for_reset(web, "bob@example.org", address="203.0.113.5")
    assert response.status_code == 429
    assert "Too many requests to set a new password" in response.text
    assert "Wait 60 minutes" in response.text
    assert mail.outbox == []
    # Someone elsewhere is not affected.
    assert ask_for_reset(web, "bob@example.org", address="10.9.9.9").status_code == 302
    assert len(mail.outbox) == 1

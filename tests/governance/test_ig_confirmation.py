"""Someone made an IG officer has no power until a second admin confirms."""

from deal.audit import Actor
from deal.models import Role
from deal.services import staff_change
from tests.factories import UserFactory


def test_a_second_admin_confirms_a_new_ig_officer_through_the_page(app_for, dave, client):
    other_admin = UserFactory(role=Role.ADMIN, full_name="Olu Admin")
    jo = UserFactory(role=Role.FRONTLINE, full_name="Jo Whitfield")
    staff_change(actor=Actor(user=dave), user=jo, role=Role.IG, teams=[])
    client.force_login(jo)
    assert client.get("/governance/audit/").status_code == 403

    page = app_for(other_admin).get("/manage/confirmations/")
    assert "Jo Whitfield to be in information governance" in page.text
    form = next(f for f in page.forms.values() if "confirm_admin" in f.fields)
    form.submit("confirm_admin")
    jo.refresh_from_db()
    assert not jo.is_admin_waiting
    assert client.get("/governance/audit/").status_code == 200

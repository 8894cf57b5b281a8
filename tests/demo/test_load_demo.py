from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command

from ledger.models import Category, Donation, Expense
from ledger.selectors import campaign_totals
from prisoners.models import Campaign, Prisoner, Update


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Campaign, Prisoner, Update, Category, Donation, Expense, User)
    }


def test_it_loads_seven_prisoners_in_three_languages(db):
    call_command("load_demo", stdout=StringIO())
    assert Prisoner.objects.published().count() == 7
    for prisoner in Prisoner.objects.all():
        for lang in ("es", "nl", "en"):
            assert getattr(prisoner, f"story_{lang}")
            assert getattr(prisoner, f"summary_{lang}")
        assert prisoner.photo and prisoner.photo_alt_en
    assert Category.objects.filter(purpose="legal_defense").count() == 4
    assert Category.objects.filter(purpose="basic_needs").count() == 5


def test_it_leaves_one_copy_of_everything_when_run_twice(db):
    call_command("load_demo", stdout=StringIO())
    first, raised = _counts(), campaign_totals().raised
    call_command("load_demo", stdout=StringIO())
    assert _counts() == first
    assert campaign_totals().raised == raised


def test_it_creates_demo_staff_only_with_debug(db, settings):
    settings.DEBUG = False
    call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert User.objects.get(username="editor").groups.filter(name="Editors").exists()
    assert "password" in out.getvalue()

from django.urls import path

from donations import privacy, sponsorship_views, views

app_name = "donations"

urlpatterns = [
    path("donate/", views.donate, name="donate"),
    path("donate/thanks/<uuid:public_id>/", views.thanks, name="thanks"),
    path("donate/demo/<str:payment_id>/", views.demo_checkout, name="demo_checkout"),
    path(
        "sponsorship/<str:token>/stop/",
        sponsorship_views.sponsorship_cancel_view,
        name="sponsorship_cancel",
    ),
    path("bank-transfer/", views.bank_transfer, name="bank_transfer"),
    path("bank-transfer/email/", views.bank_transfer_email, name="bank_transfer_email"),
    path(
        "bank-transfer/<uuid:public_id>/",
        views.bank_transfer_expected,
        name="bank_transfer_expected",
    ),
    path("how-we-use-the-money/", views.money_use, name="money_use"),
    path("where-the-money-went/", views.transparency, name="transparency"),
    path("report.pdf", views.public_report, name="public_report"),
    path("privacy/", privacy.privacy, name="privacy"),
]

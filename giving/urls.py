from django.urls import path

from giving import views

app_name = "giving"

urlpatterns = [
    path("donate/", views.donate, name="donate"),
    path("donate/thanks/<uuid:public_id>/", views.thanks, name="thanks"),
    path("bank-transfer/", views.bank_transfer, name="bank_transfer"),
    path("bank-transfer/email/", views.bank_transfer_email, name="bank_transfer_email"),
    path(
        "bank-transfer/<uuid:public_id>/",
        views.bank_transfer_expected,
        name="bank_transfer_expected",
    ),
]

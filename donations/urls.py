from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("bank-transfer/", views.bank_transfer, name="bank_transfer"),
    path("how-we-use-the-money/", views.money_use, name="money_use"),
]

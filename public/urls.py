from django.urls import path

from public import money_views, privacy, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("prisoners/<slug:slug>/", views.detail, name="detail"),
    path("anbi/", views.anbi, name="anbi"),
    path(
        "anbi/financial-statements/<int:year>.pdf",
        views.financial_statements,
        name="financial_statements",
    ),
    path("how-we-use-the-money/", money_views.money_use, name="money_use"),
    path("where-the-money-went/", money_views.transparency, name="transparency"),
    path("report.pdf", money_views.public_report, name="public_report"),
    path("privacy/", privacy.privacy, name="privacy"),
]

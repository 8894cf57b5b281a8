from django.urls import path

from prisoners import views

app_name = "prisoners"

urlpatterns = [
    path("", views.home, name="home"),
    path("prisoners/<slug:slug>/", views.detail, name="detail"),
    path("anbi/", views.anbi, name="anbi"),
    path(
        "anbi/financial-statements/<int:year>.pdf",
        views.financial_statements,
        name="financial_statements",
    ),
]

from django.db import DatabaseError


def test_it_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


class _UnreachableDatabase:
    def cursor(self):
        raise DatabaseError("connection refused")


def test_it_answers_503_when_the_database_does_not(client, db, monkeypatch):
    monkeypatch.setattr("crowdfund.views.connection", _UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503


def test_it_has_no_language_prefix(client, db):
    assert client.get("/en/healthz").status_code == 404


def test_it_answers_over_plain_http_when_the_site_is_https(client, db, settings):
    # As with SITE_URL=https://…; the exemption itself comes from settings.py.
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    # Everything else is still sent to https.
    other = client.get("/en/")
    assert other.status_code == 301 and other["Location"].startswith("https://")

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

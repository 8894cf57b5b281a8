"""What keeps every request cheap: no JIT, the CSP header built once, no reverse() per request."""

from django.db import connection

from crowdfund import middleware


def test_the_database_connection_has_jit_off(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_the_csp_header_is_built_once_per_policy(client, campaign, monkeypatch):
    built = []
    monkeypatch.setattr(middleware, "_POLICIES", {})
    middleware._plain_headers.cache_clear()
    original = middleware.build_policy
    monkeypatch.setattr(
        middleware, "build_policy", lambda *a, **k: built.append(a) or original(*a, **k)
    )
    headers = {client.get("/healthz")["Content-Security-Policy"] for _ in range(3)}
    assert len(headers) == 1 and "default-src 'self'" in headers.pop()
    assert len(built) == 2  # the policy and the (empty) report-only policy, once each
    client.get("/admin/login/")
    # The admin's policy with the editor's hashes, and its report-only one, once each too.
    assert len(built) == 4
    client.get("/admin/login/")
    assert len(built) == 4


def test_no_middleware_reverses_the_admin_url_per_request(client, campaign, monkeypatch):
    client.get("/healthz")
    calls = []
    monkeypatch.setattr(middleware, "reverse", lambda *a, **k: calls.append(a))
    for url in ("/healthz", "/en/", "/admin/login/"):
        client.get(url)
    assert calls == []


def test_the_admin_alone_gets_the_editors_hashes_in_its_policy(client, campaign):
    public = client.get("/en/")["Content-Security-Policy"]
    admin = client.get("/admin/login/")["Content-Security-Policy"]
    editor_hashes = middleware._admin_editor_csp()
    for source in (*editor_hashes["script-src"], *editor_hashes["style-src"]):
        assert source in admin
        assert source not in public
    assert "default-src 'self'" in public and "default-src 'self'" in admin

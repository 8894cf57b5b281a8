import pytest


@pytest.mark.parametrize("url", ["/en/", "/healthz", "/admin/login/", "/en/no-such-page/"])
def test_it_sends_a_permissions_policy_on_every_response(client, campaign, url):
    response = client.get(url)
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy

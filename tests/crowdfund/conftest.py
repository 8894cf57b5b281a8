"""What the page-cache tests share."""

import pytest

# The Mollie fake, for the webhook that must go through with Redis down.


@pytest.fixture
def ana(campaign, make_prisoner):
    return make_prisoner(name="Ana Ejemplo", slug="ana", story_en="<p>First story</p>")


def ok_get(client, url):
    """GET `url`, which must answer 200."""
    response = client.get(url)
    assert response.status_code == 200
    return response

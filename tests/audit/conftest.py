"""The audit's sample served for real: the site built with comments and a lettre, the service
with its reader and team pages (tests/support/audit.py); each page's HTML fetched once."""

from dataclasses import dataclass

import httpx
import pytest

from tests.support.audit import audit_service, audited, build_audit_site, logged_in


@dataclass
class Sample:
    urls: dict[str, str]  # page → absolute address
    html: dict[str, str]  # page → HTML as served
    team_cookies: httpx.Cookies
    service: object  # tests.support.comments.RunningService


@pytest.fixture(scope="session")
def audit_sample(tmp_path_factory):
    base = tmp_path_factory.mktemp("audit")
    site = build_audit_site(base)
    with audit_service(base, site) as (service, client, urls):
        html = {}
        for page in audited():
            response = (client.get if logged_in(page) else httpx.get)(urls[page])
            assert response.status_code == (404 if page == "404" else 200), (page, response)
            html[page] = response.text
        yield Sample(urls, html, client.cookies, service)

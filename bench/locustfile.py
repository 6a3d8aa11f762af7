"""Locust users for ``bench/loadtest.py`` (``make loadtest``): a city's mix on one server.

- ``Visitor`` (weight 6): a citizen browsing the catalog without signing in:
  the home page, the service list, a search, a service guide.
- ``Applicant`` (weight 2): a citizen with an API token and a complete draft
  (prepared by the set-up): submits it once (``POST
  /api/v1/applications/{id}/submit`` with an Idempotency-Key), then looks at
  their cases (``GET /api/v1/cases``) and browses; with no draft left, only
  browses.
- ``Officer`` (weight 2): a demo officer of the service's department signed in
  through the login form: the queue (``/workbench/``), a case page from it
  (personal data shown in full for a clerk: an audited view), and now and
  then claims a case (a 409 when someone was quicker counts as an answer).

The plan (accounts, tokens, drafts, search words) comes from the JSON file
named by ``YIWANG_LOAD_PLAN``, written by ``bench/loadtest.py``. Run it
through that script: it refuses any host but 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["YIWANG_LOAD_PLAN"]).read_text())
DRAFTS: list[dict[str, Any]] = list(PLAN["drafts"])
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_LINK = re.compile(r"/workbench/cases/([^/\"]+)/")


class Browsing:
    """What every citizen does on the portal."""

    client: Any

    def browse(self) -> None:
        choice = random.random()
        if choice < 0.25:
            self.client.get("/", name="/")
        elif choice < 0.5:
            self.client.get("/services/", name="/services/")
        elif choice < 0.8:
            self.client.get("/search/", params={"q": random.choice(PLAN["words"])}, name="/search/")
        else:
            code = random.choice(PLAN["guides"])
            self.client.get(f"/services/{code}/", name="/services/[code]/")


class Visitor(Browsing, HttpUser):
    weight = 6
    wait_time = between(1, 4)

    @task
    def visit(self) -> None:
        self.browse()


class Applicant(Browsing, HttpUser):
    weight = 2
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.draft = DRAFTS.pop() if DRAFTS else None
        self.submitted = False

    @task
    def work(self) -> None:
        if self.draft is None:
            self.browse()
            return
        auth = {"Authorization": f"Bearer {self.draft['token']}"}
        if not self.submitted:
            with self.client.post(
                f"/api/v1/applications/{self.draft['id']}/submit",
                headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
                name="/api/v1/applications/[id]/submit",
                catch_response=True,
            ) as response:
                if response.status_code == 201:
                    self.submitted = True
                    response.success()
                else:
                    response.failure(f"{response.status_code}: {response.text[:200]}")
            return
        if random.random() < 0.5:
            self.client.get("/api/v1/cases", headers=auth, name="/api/v1/cases")
        else:
            self.browse()


class Officer(HttpUser):
    weight = 2
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.cases: list[str] = []
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        token = CSRF_FIELD.search(page.text)
        with self.client.post(
            "/accounts/login/",
            data={
                "username": random.choice(PLAN["officers"]),
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="/accounts/login/ POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"sign-in answered {response.status_code}")

    @task(4)
    def queue(self) -> None:
        page = self.client.get("/workbench/", name="/workbench/")
        found = CASE_LINK.findall(page.text)
        if found:
            self.cases = found

    @task(3)
    def case_page(self) -> None:
        if self.cases:
            number = random.choice(self.cases)
            self.client.get(f"/workbench/cases/{number}/", name="/workbench/cases/[number]/")

    @task(1)
    def claim(self) -> None:
        if not self.cases:
            return
        number = random.choice(self.cases)
        with self.client.post(
            f"/workbench/cases/{number}/claim/",
            data={"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            headers={"Referer": f"{self.host}/workbench/"},
            name="/workbench/cases/[number]/claim/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in (302, 409):
                response.success()
            else:
                response.failure(f"claim answered {response.status_code}")

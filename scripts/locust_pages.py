"""The pages load test (Locust), run by scripts/benchmark_pages: logged-in users of each role visit the projects
list, a filtered list, the watchlist, the dashboard, a project's page, the cluster list and /healthz, each page as
often as the others. BENCH_PAGES (JSON, name → URL) names the pages (`manage.py benchmark_pages --urls`);
BENCH_WAIT=0 makes the users send their next request at once (the saturation run), otherwise they wait 1–3 s;
BENCH_ONLY=<name> makes them visit that one page only (the saturation run measures one page at a time).
"""
import json
import os
import random

from locust import HttpUser, between, constant, task

PAGES = json.loads(os.environ["BENCH_PAGES"])
if os.environ.get("BENCH_ONLY"):
    PAGES = {os.environ["BENCH_ONLY"]: PAGES[os.environ["BENCH_ONLY"]]}
SESSIONS = json.loads(os.environ["BENCH_SESSIONS"])
COOKIE_NAME = os.environ.get("BENCH_SESSION_COOKIE", "sessionid")
WAIT = between(1, 3) if os.environ.get("BENCH_WAIT", "1") != "0" else constant(0)


class _Role(HttpUser):
    abstract = True
    wait_time = WAIT
    role = ""

    def on_start(self):
        # Logged in beforehand (manage.py benchmark_pages --sessions): the session cookie of this role's user.
        self.client.cookies.set(COOKIE_NAME, SESSIONS[self.role], domain="127.0.0.1")

    @task
    def page(self):
        name, url = random.choice(list(PAGES.items()))
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:  # a redirect to the login page is a failure, not a fast page
                response.failure(f"HTTP {response.status_code}")


class Staff(_Role):
    role = "staff"


class Leadership(_Role):
    role = "leadership"


class CommuneOfficer(_Role):
    role = "commune_officer"


class Viewer(_Role):
    role = "viewer"

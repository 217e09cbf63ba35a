"""``/_security/user/_has_privileges`` as Elasticsearch answers it: any authenticated user may
ask, each requested privilege is named true or false (held directly or through one that
includes it), and with security off the call is refused."""

from __future__ import annotations

import base64

import httpx

from pulumi_inference.emulator import ApiKey, Emulator, EmulatorConfig

CONFIG = EmulatorConfig(
    api_keys=(
        ApiKey("ro:ro-secret-01", name="reader-key", privileges=("monitor_inference",)),
        ApiKey("mgr:mgr-secret-01", name="manager-key", privileges=("manage",)),
    ),
    users=("ml:ml-pass-01:monitor_ml",),
)
ASKED = {"cluster": ["manage_inference", "monitor_inference"]}


def _key(raw: str) -> dict[str, str]:
    return {"Authorization": "ApiKey " + base64.b64encode(raw.encode()).decode()}


def test_each_requested_cluster_privilege_is_answered_for_the_caller() -> None:
    with Emulator(CONFIG) as emulator, httpx.Client(base_url=emulator.url) as http:
        reader = http.post(
            "/_security/user/_has_privileges", json=ASKED, headers=_key("ro:ro-secret-01")
        )
        assert reader.status_code == 200
        assert reader.json() == {
            "username": "reader-key",
            "has_all_requested": False,
            "cluster": {"manage_inference": False, "monitor_inference": True},
            "index": {},
            "application": {},
        }
        manager = http.request(
            "GET", "/_security/user/_has_privileges", json=ASKED, headers=_key("mgr:mgr-secret-01")
        )
        assert manager.json()["has_all_requested"] is True  # manage includes both
        nobody = http.post("/_security/user/_has_privileges", json=ASKED, auth=("ml", "ml-pass-01"))
        assert nobody.json()["cluster"] == {"manage_inference": False, "monitor_inference": False}
        refused = http.post("/_security/user/_has_privileges", json=ASKED, headers=_key("ro:wrong"))
        assert refused.status_code == 401


def test_with_security_off_the_call_is_refused() -> None:
    with Emulator(EmulatorConfig()) as emulator, httpx.Client(base_url=emulator.url) as http:
        answer = http.post("/_security/user/_has_privileges", json=ASKED)
        assert answer.status_code == 500
        assert answer.json()["error"]["type"] == "security_exception"
        assert "Security must be explicitly enabled" in answer.json()["error"]["reason"]

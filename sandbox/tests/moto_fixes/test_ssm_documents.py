"""Documents a caller creates: PlatformTypes from the plugins their steps run (moto says "Not Implemented")."""

import json

import pytest

from sandbox.moto_fixes.ssm_documents import platform_types_of
from sandbox.tests.patch_isolation import account, account_client  # noqa: F401 (fixtures)


def content(*actions):
    return {"schemaVersion": "2.2", "description": "x", "mainSteps": [
        {"action": action, "name": f"step{index}", "inputs": {"runCommand": ["exit 0"]}}
        for index, action in enumerate(actions)]}


@pytest.mark.parametrize(("actions", "platforms"), [
    (("aws:runShellScript",), ["Linux", "MacOS"]),
    (("aws:runPowerShellScript",), ["Windows", "Linux", "MacOS"]),
    (("aws:runShellScript", "aws:psModule"), ["Windows", "Linux", "MacOS"]),
    (("aws:applications",), ["Windows"]),
    (("aws:notAPlugin",), []),
])
def test_platform_types_are_the_union_of_the_steps_plugins(actions, platforms):
    assert platform_types_of(content(*actions)) == platforms


def test_created_and_updated_documents_answer_their_platform_types(sandbox, account):  # noqa: F811
    ssm = account_client(sandbox, account)
    created = ssm.create_document(Name="Shell", DocumentType="Command",
                                  Content=json.dumps(content("aws:runShellScript")))["DocumentDescription"]
    assert created["PlatformTypes"] == ["Linux", "MacOS"]
    updated = ssm.update_document(Name="Shell", DocumentVersion="$LATEST",
                                  Content=json.dumps(content("aws:runPowerShellScript")))["DocumentDescription"]
    assert updated["PlatformTypes"] == ["Windows", "Linux", "MacOS"]
    assert ssm.describe_document(Name="Shell", DocumentVersion="1")["Document"]["PlatformTypes"] == ["Linux", "MacOS"]

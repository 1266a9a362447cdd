# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # ssm_compliance_export and ssm_compliance_merge put their reports with the same code
    # (_compliance/s3_output.py) and check these two options the same way.
    DOCUMENTATION = r"""
options:
  server_side_encryption:
    description:
      - Server-side encryption of the objects put in O(s3_bucket).
    type: str
    choices: [AES256, aws:kms]
    default: AES256
  kms_key_id:
    description:
      - The KMS key for O(server_side_encryption=aws:kms) (the bucket's default key if omitted).
      - A key id, a multi-Region key id (C(mrk-)), a key ARN, C(alias/NAME) or an alias ARN.
    type: str
"""

# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudpatch.ssm.plugins.module_utils.common import CLOUDPATCH_SSM_COLLECTION_NAME
from ansible_collections.cloudpatch.ssm.plugins.module_utils.common import CLOUDPATCH_SSM_COLLECTION_VERSION
from ansible_collections.cloudpatch.ssm.plugins.module_utils.validation import region_error


class AnsibleCloudpatchSSMModule(AnsibleAWSModule):
    """AnsibleAWSModule that names cloudpatch.ssm and its version in the botocore user agent.

    It also refuses a region botocore's endpoint data does not know before any module makes a call:
    a typo such as us-est-1 would otherwise fail later with an endpoint error that names no option.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        set_collection_info(
            collection_name=CLOUDPATCH_SSM_COLLECTION_NAME,
            collection_version=CLOUDPATCH_SSM_COLLECTION_VERSION,
        )
        error = region_error("region", self.region)
        if error:
            self.fail_json(msg=error)

    def fail_json_aws_error(self, exception):
        """amazon.aws's fail_json_aws_error, and the result keys the error carries (its kwargs) with it.

        A failure after something was done (a run sent, a report put in place) says what was done.
        """
        if exception.exception:
            self.fail_json_aws(exception.exception, msg=exception.message, **exception.kwargs)
        self.fail_json(msg=exception.message, **exception.kwargs)

    def fail_parameter_error(self, error):
        """A ParameterError: its message, and the result keys it carries."""
        self.fail_json(msg=error.message, **error.data)

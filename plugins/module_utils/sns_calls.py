# -*- coding: utf-8 -*-

# Copyright: Contributors to the cloudpatch.ssm project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The SNS call of cloudpatch.ssm (a report's notification), with its error handler outside and its retry inside."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


class AnsibleNotificationError(AnsibleAWSError):
    pass


class NotificationErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleNotificationError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFound")


@NotificationErrorHandler.common_error_handler("publish report notification")
@AWSRetry.jittered_backoff()
def publish_notification(client, topic_arn, subject, message):
    return client.publish(TopicArn=topic_arn, Subject=subject, Message=message)["MessageId"]

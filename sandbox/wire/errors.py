"""AWS error codes the sandbox raises, serialized by moto with the SSM service model's metadata.

Subclassing moto's SSMException (not ServiceException directly) keeps moto's service lookup happy:
it derives the service from the exception's base class, and this package must not be named moto.*.
"""

from moto.ssm.exceptions import SSMException


class AlreadyExistsException(SSMException):
    code = "AlreadyExistsException"


class DoesNotExistException(SSMException):
    code = "DoesNotExistException"


class InvalidResourceId(SSMException):
    code = "InvalidResourceId"


class InvalidResourceType(SSMException):
    code = "InvalidResourceType"


class ResourceInUseException(SSMException):
    code = "ResourceInUseException"


class ResourceLimitExceededException(SSMException):
    code = "ResourceLimitExceededException"


class ValidationException(SSMException):
    code = "ValidationException"


class InvalidNextToken(SSMException):
    code = "InvalidNextToken"


class InvalidFilter(SSMException):
    code = "InvalidFilter"


class InvalidFilterKey(SSMException):
    code = "InvalidFilterKey"


class InvalidInstanceId(SSMException):
    code = "InvalidInstanceId"


class InvalidInstanceInformationFilterValue(SSMException):
    code = "InvalidInstanceInformationFilterValue"


class IdempotentParameterMismatch(SSMException):
    code = "IdempotentParameterMismatch"


class TooManyTagsError(SSMException):
    code = "TooManyTagsError"


class AccessDeniedException(SSMException):
    code = "AccessDeniedException"

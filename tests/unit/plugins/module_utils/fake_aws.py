"""A fake boto3 client for the unit tests of the call files: scripted answers, every call recorded."""

import botocore.exceptions


def client_error(code, operation="Operation"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": f"{code} for the test"}}, operation)


class FakeClient:
    """Answers each method's calls from a script: an exception is raised, anything else returned; every call's arguments kept."""

    def __init__(self, **scripts):
        self.scripts = dict((name, list(answers)) for name, answers in scripts.items())
        self.calls = []

    def __getattr__(self, name):
        if name not in self.scripts:
            raise AttributeError(name)

        def method(**kwargs):
            self.calls.append((name, kwargs))
            answer = self.scripts[name].pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer

        return method

    def called(self, name):
        return [kwargs for called, kwargs in self.calls if called == name]

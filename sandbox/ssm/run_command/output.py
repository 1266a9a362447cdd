"""A command's output: the truncation of plugin output as the SSM agent reports it, and the files the
agent writes to S3 (OutputS3BucketName)."""

from sandbox.ssm.run_command.model import LIST_OUTPUT_LIMIT

OUTPUT_TRUNCATED = "\n---Output truncated---"
ERROR_HEADER = "\n----------ERROR-------\n"
ERROR_TRUNCATED = "\n---Error truncated----"


def truncate_output(stdout, stderr, capacity=LIST_OUTPUT_LIMIT):
    """A plugin's Output as the SSM agent reports it: stdout, then stderr after an ERROR header, the
    whole at most `capacity` characters, each part marked when cut. When both must be cut they share
    the room equally; a part that fits in its share leaves the rest to the other."""
    stdout, stderr = stdout or "", stderr or ""
    error_part = ERROR_HEADER + stderr if stderr else ""
    if len(stdout) + len(error_part) <= capacity:
        return stdout + error_part
    if not stderr:
        return stdout[: capacity - len(OUTPUT_TRUNCATED)] + OUTPUT_TRUNCATED
    if not stdout:
        return ERROR_HEADER + stderr[: capacity - len(ERROR_HEADER) - len(ERROR_TRUNCATED)] + ERROR_TRUNCATED
    half = (capacity - len(OUTPUT_TRUNCATED) - len(ERROR_HEADER) - len(ERROR_TRUNCATED)) // 2
    if len(stderr) <= half:
        out = stdout[: capacity - len(ERROR_HEADER) - len(stderr) - len(OUTPUT_TRUNCATED)] + OUTPUT_TRUNCATED
        err = stderr
    elif len(stdout) <= half:
        out = stdout
        err = stderr[: capacity - len(stdout) - len(ERROR_HEADER) - len(ERROR_TRUNCATED)] + ERROR_TRUNCATED
    else:
        out = stdout[:half] + OUTPUT_TRUNCATED
        err = stderr[:half] + ERROR_TRUNCATED
    return out + ERROR_HEADER + err


def s3_key(command, instance_id, spec, stream):
    parts = [command.output_s3_prefix.strip("/")] if command.output_s3_prefix.strip("/") else []
    return "/".join(parts + [command.command_id, instance_id, spec.s3_folder, stream])


def s3_url(command, key):
    return f"https://s3.{command.output_s3_region}.amazonaws.com/{command.output_s3_bucket}/{key}"


def write_output_to_s3(command, invocation):
    """As the agent uploads: stdout and stderr of every step that ran, when not empty. A missing
    bucket loses the output (the agent only logs the failure); the invocation is unaffected."""
    if not command.output_s3_bucket or not invocation.plugins:
        return
    from moto.s3.models import s3_backends  # pylint: disable=import-outside-toplevel

    s3 = s3_backends[command.backend.account_id]["global"]
    if command.output_s3_bucket not in s3.buckets:
        return
    for plugin in invocation.plugins:
        if plugin is None or plugin.skipped:
            continue
        for stream, text in (("stdout", plugin.stdout), ("stderr", plugin.stderr)):
            if text:
                s3.put_object(command.output_s3_bucket, s3_key(command, invocation.instance_id, plugin.spec, stream),
                              text.encode("utf-8"))


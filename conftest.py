"""Makes the sandbox's pytest fixtures available to every test in the repository."""

pytest_plugins = ["sandbox.testing"]

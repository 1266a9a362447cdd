"""`python -m sandbox --port N`: the local AWS the demo and the tests run against."""

from sandbox.cli import main

main()

"""Turn the collection's README.md into a page of the documentation site (`make docs`).

Sphinx reads reStructuredText; the README is Markdown and stays the one source. markdown-it-py (already
installed with the test requirements, through rich) renders it to HTML, which the page embeds as a raw
block. Links to files of the checkout (``playbooks/README.md``) would be dead in the site: they point
to the file in the repository named in galaxy.yml instead.
"""

import argparse
import posixpath
import re
import sys

import yaml
from markdown_it import MarkdownIt

# A link target that leaves the page alone: a URL with a scheme, a protocol-relative URL, an anchor.
_EXTERNAL = re.compile(r"\A(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")


def repository_link(target, repository, branch="main"):
    """The URL a README link should have in the site: relative file links point into the repository."""
    if not target or _EXTERNAL.match(target):
        return target
    path, sep, anchor = target.partition("#")
    path = posixpath.normpath(path.lstrip("/"))
    if path.startswith(".."):
        raise ValueError(f"README link {target!r} leaves the collection")
    kind = "tree" if path.endswith("/") or "." not in posixpath.basename(path) else "blob"
    return f"{repository.rstrip('/')}/{kind}/{branch}/{path}{sep}{anchor}"


def readme_html(markdown, repository):
    """The README rendered to HTML, with relative links made absolute."""
    parser = MarkdownIt("commonmark").enable("table")
    tokens = parser.parse(markdown)
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                child.attrSet("href", repository_link(child.attrGet("href"), repository))
    return parser.renderer.render(tokens, parser.options, {})


def readme_rst(markdown, repository):
    """A reStructuredText page: the README's first heading as the title Sphinx needs for its table of
    contents, then the rest of the README as raw HTML."""
    lines = markdown.lstrip("\n").split("\n", 1)
    first, rest = lines[0], lines[1] if len(lines) > 1 else ""
    heading = re.fullmatch(r"# +(.+?) *#*", first)
    title, markdown = (heading.group(1), rest) if heading else ("README", markdown)
    html = readme_html(markdown, repository)
    body = "".join(f"   {line}\n" if line.strip() else "\n" for line in html.splitlines())
    return f".. _cloudpatch_ssm_readme:\n\n{title}\n{'=' * len(title)}\n\n.. raw:: html\n\n{body}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", default="README.md")
    parser.add_argument("--galaxy", default="galaxy.yml")
    parser.add_argument("--dest", required=True)
    args = parser.parse_args(argv)
    with open(args.galaxy, encoding="utf-8") as handle:
        galaxy = yaml.safe_load(handle)
    repository = galaxy.get("repository")
    if not repository:
        sys.exit(f"{args.galaxy} has no repository: the README's relative links would have nowhere to point")
    with open(args.readme, encoding="utf-8") as handle:
        page = readme_rst(handle.read(), repository)
    with open(args.dest, "w", encoding="utf-8") as handle:
        handle.write(page)


if __name__ == "__main__":
    main()

"""User text for Streamlit's Markdown (layers/text.py): escaped, and as a bullet list."""

from __future__ import annotations

from layers.text import markdown_list, markdown_text


def test_a_list_has_one_escaped_bullet_per_line() -> None:
    assert markdown_list(["1 tap : 73 households", "**x** [a](javascript:y) $z$"]) == (
        "- 1 tap : 73 households\n- \\*\\*x\\*\\* \\[a\\]\\(javascript:y\\) \\$z\\$"
    )


def test_no_lines_is_no_list() -> None:
    assert markdown_list([]) == ""


def test_each_line_is_escaped_as_markdown_text_escapes_it() -> None:
    lines = ["<img src=x onerror=alert(1)>", "a_b", None, 12.5]
    assert markdown_list(lines).split("\n") == [f"- {markdown_text(line)}" for line in lines]

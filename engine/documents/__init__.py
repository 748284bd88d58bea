"""Every document coop writes: the manual and its versions, templates, agreements, notices, statements, redlines.

Data is built into pydantic models (data), rendered from sandboxed templates
(templates) or member text with fixed placeholders (placeholders), and
typeset to DOCX in one place (typesetting).
"""

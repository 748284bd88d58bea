"""The default Co-Op Procedures manual: Markdown sections with Jinja2 placeholders."""

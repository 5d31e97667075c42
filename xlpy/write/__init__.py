"""Writers of new files: workbooks, the decision paper (python-pptx), PDF renderings."""

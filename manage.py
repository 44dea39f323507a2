#!/usr/bin/env python
"""Django's command-line utility; `northline manage …` does the same from anywhere."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# rstcheck.py - every reStructuredText file named parses with docutils
# (Debian's python3-docutils, installed by scripts/deps.sh) without a
# warning: prints "PASS rst/NAME" or "FAIL rst/NAME: the first complaint".
import io
import os
import sys

import docutils.core

status = 0
for path in sys.argv[1:]:
    name = os.path.basename(path)
    err = io.StringIO()
    with open(path, encoding='utf-8') as f:
        text = f.read()
    docutils.core.publish_string(text, source_path=path, writer_name='null',
                                 settings_overrides={'report_level': 2,
                                                     'halt_level': 5,
                                                     'warning_stream': err})
    if err.getvalue():
        print('FAIL rst/%s: %s' % (name, err.getvalue().splitlines()[0]))
        status = 1
    else:
        print('PASS rst/%s' % name)
sys.exit(status)

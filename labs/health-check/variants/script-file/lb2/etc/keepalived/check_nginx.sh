#!/bin/sh
# kalab health-check, variant: the check as a script file. It asks
# nginx itself for a page, not only whether a process exists; its
# exit status is curl's (0: answered, else failed).
exec /usr/bin/curl -fsS -m 1 -o /dev/null http://127.0.0.1/

#!/bin/bash
# Broken on purpose (kalab health-check): seed 002's check script. It
# prints killall's exit status, and the script's own exit status is
# then echo's, always 0: keepalived sees a check that never fails.
killall -0 nginx
echo $?

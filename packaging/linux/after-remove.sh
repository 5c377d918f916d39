#!/bin/sh
# deb postrm (electron-builder deb.afterRemove): only our own link goes.
set -e
if [ -L /usr/bin/till ] && [ "$(readlink /usr/bin/till)" = "/opt/Alipay Till/resources/till" ]; then rm -f /usr/bin/till; fi

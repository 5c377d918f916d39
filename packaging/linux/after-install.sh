#!/bin/sh
# deb postinst (electron-builder deb.afterInstall): `till` on the PATH.
set -e
ln -sf "/opt/Alipay Till/resources/till" /usr/bin/till

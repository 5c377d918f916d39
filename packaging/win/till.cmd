@echo off
rem The till command of an installed till (issue 15 section 1): the app answers it.
"%~dp0Alipay Till.exe" till %*

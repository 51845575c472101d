@echo off
rem intplan command line (Windows build): runs the bundled Python on the bundled packages.
"%~dp0Python\python.exe" -m intplan.cli %*
exit /b %ERRORLEVEL%

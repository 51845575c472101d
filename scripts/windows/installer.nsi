; intplan per-user Windows installer. Built on Linux by scripts/build_windows.py with
; Debian's makensis, from the assembled tree this file is copied into:
;   makensis -DVERSION=0.1.0 -DOUTFILE=intplan-0.1.0-win64-setup.exe installer.nsi
; Needs no administrator rights (RequestExecutionLevel user) and no internet: everything
; is inside. Installs to %LOCALAPPDATA%\Programs\intplan, adds Start-menu shortcuts and a
; per-user entry in "Installed apps" (HKCU), and removes all of it on uninstall.
; -DNO_RUNTIME builds a check-only installer (no Windows Python inside) that refuses to run.

Unicode true
Target amd64-unicode  ; a 64-bit installer for a 64-bit app (and wine64 can run it)
!ifndef VERSION
  !error "pass -DVERSION=<intplan version>"
!endif
!ifndef OUTFILE
  !define OUTFILE "intplan-${VERSION}-win64-setup.exe"
!endif
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\intplan"

Name "intplan ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\intplan"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
!ifdef NO_RUNTIME
  SetCompress off  ; a check-only build: proves the script compiles; never shipped
!else
  SetCompressor /SOLID lzma
!endif
ManifestDPIAware true

!include "MUI2.nsh"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  SetShellVarContext current  ; this user's Start menu and app data, never all users'
!ifdef NO_RUNTIME
  MessageBox MB_ICONSTOP "This installer was built without the Windows Python runtime and cannot install intplan.$\r$\nRebuild it with --python-embed (see docs/install-windows.md)."
  Abort
!endif
FunctionEnd

Section "intplan"
  SetOutPath "$INSTDIR"
  RMDir /r "$INSTDIR\pkgs"  ; an upgrade must not keep files an older version had
!ifndef NO_RUNTIME
  RMDir /r "$INSTDIR\Python"
  File /r "Python"
!endif
  File /r "pkgs"
  File /r "examples"
  File "intplan.cmd"
  File "README.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; shortcuts start in the user's Documents, where workbooks are saved by default
  SetOutPath "$DOCUMENTS"
  CreateDirectory "$SMPROGRAMS\intplan"
  CreateShortCut "$SMPROGRAMS\intplan\intplan.lnk" "$INSTDIR\Python\pythonw.exe" "-m intplan.cli gui" "$INSTDIR\Python\pythonw.exe" 0 SW_SHOWNORMAL "" "intplan: workforce and capacity planning"
  CreateShortCut "$SMPROGRAMS\intplan\intplan example workbooks.lnk" "$INSTDIR\examples"
  CreateShortCut "$SMPROGRAMS\intplan\intplan command prompt.lnk" "$SYSDIR\cmd.exe" '/k "set PATH=$INSTDIR;%PATH%&& intplan --help"'
  CreateShortCut "$SMPROGRAMS\intplan\Uninstall intplan.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "intplan"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "intplan engineers"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  RMDir /r "$INSTDIR\Python"
  RMDir /r "$INSTDIR\pkgs"
  RMDir /r "$INSTDIR\examples"
  Delete "$INSTDIR\intplan.cmd"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  RMDir /r "$SMPROGRAMS\intplan"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ; numba's compiled-kernel cache and the log live in %LOCALAPPDATA%\intplan
  RMDir /r "$LOCALAPPDATA\intplan\numba-cache"
SectionEnd

; Panmusic POS installer for Windows store PCs: per-user (no administrator prompt), in Korean.
; Built offline by .ci/windows-build.sh with Debian's makensis:
;   makensis -INPUTCHARSET UTF8 -DVERSION=x.y.z -DSTAGE=dir -DICON=icon.ico -DOUTFILE=setup.exe installer.nsi
; STAGE holds panmusic-pos.exe, WebView2Loader.dll, posctl.exe and 읽어주세요.txt.
; The shop's orders live in %APPDATA%\kr.panmusic.pos, outside the install folder: reinstalling or
; uninstalling never touches them.

Unicode true
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!include "MUI2.nsh"
!include "LogicLib.nsh"

!define PRODUCT "판뮤직 POS"
!define PRODUCT_EN "Panmusic POS"
!define PUBLISHER "Panmusic"
!define IDENTIFIER "kr.panmusic.pos"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${IDENTIFIER}"
; The WebView2 Runtime's client id (Evergreen), per Microsoft's distribution guide.
!define WEBVIEW2_CLIENT "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_DOWNLOAD "https://go.microsoft.com/fwlink/p/?LinkId=2124703"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT_EN}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${PRODUCT} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1042 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=1042 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1042 "FileDescription" "${PRODUCT} 설치 프로그램"
VIAddVersionKey /LANG=1042 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1042 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1042 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\panmusic-pos.exe"
!define MUI_FINISHPAGE_RUN_TEXT "${PRODUCT} 실행"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Korean"

; A running app holds its exe open: ask the owner to quit it (tray menu → 종료) rather than killing
; it in the middle of a payment.
!macro WAIT_UNTIL_CLOSED
  ${Do}
    ClearErrors
    ${IfNot} ${FileExists} "$INSTDIR\panmusic-pos.exe"
      ${Break}
    ${EndIf}
    FileOpen $0 "$INSTDIR\panmusic-pos.exe" a
    ${IfNot} ${Errors}
      FileClose $0
      ${Break}
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
      "${PRODUCT}이 실행 중입니다. 작업 표시줄 알림 영역의 ${PRODUCT} 아이콘에서 '종료'를 누른 뒤 '다시 시도'를 누르세요." \
      /SD IDCANCEL IDRETRY +2
    Abort
  ${Loop}
!macroend

Function .onInit
  ; Without the WebView2 Runtime the app cannot show its window. Windows 11 and an up-to-date
  ; Windows 10 have it; otherwise point the owner to Microsoft's installer.
  ReadRegStr $1 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${If} $1 == ""
    ReadRegStr $1 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $1 == ""
  ${OrIf} $1 == "0.0.0.0"
    MessageBox MB_YESNO|MB_ICONINFORMATION \
      "${PRODUCT}에는 Microsoft WebView2 런타임이 필요합니다. 지금 Microsoft 다운로드 페이지를 열까요?$\r$\n(설치는 계속됩니다. 런타임을 설치한 뒤 ${PRODUCT}을 실행하세요.)" \
      /SD IDNO IDNO +2
    ExecShell "open" "${WEBVIEW2_DOWNLOAD}"
  ${EndIf}
FunctionEnd

Section "install"
  SetOutPath "$INSTDIR"
  !insertmacro WAIT_UNTIL_CLOSED
  File "${STAGE}\panmusic-pos.exe"
  File "${STAGE}\WebView2Loader.dll"
  File "${STAGE}\posctl.exe"
  File "${STAGE}\읽어주세요.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\panmusic-pos.exe"
  CreateShortCut "$DESKTOP\${PRODUCT}.lnk" "$INSTDIR\panmusic-pos.exe"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\panmusic-pos.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "uninstall"
  !insertmacro WAIT_UNTIL_CLOSED
  Delete "$INSTDIR\panmusic-pos.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\posctl.exe"
  Delete "$INSTDIR\읽어주세요.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$DESKTOP\${PRODUCT}.lnk"
  ; Autostart entry written by the app (tauri-plugin-autostart), if any.
  DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Run" "${PRODUCT_EN}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ; %APPDATA%\${IDENTIFIER} (orders, settings, backups) is kept on purpose.
SectionEnd

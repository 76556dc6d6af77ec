; watchparty-kiosk for Windows: an Inno Setup 6 script (6.3 or newer, for x64compatible).
;
;   ISCC.exe /DAppVersion=0.1.0 packaging\windows\watchparty-kiosk.iss
;
; Takes the PyInstaller folder dist\watchparty-kiosk (packaging\build.py makes it; override
; with /DSourceDir=...) and writes dist\watchparty-kiosk-<version>-windows-x64-setup.exe.
;
; - Installs for the current user without administrator rights (into
;   %LOCALAPPDATA%\Programs\watchparty-kiosk); the first page offers "all users" instead,
;   which asks for administrator rights. Command line: /CURRENTUSER or /ALLUSERS.
; - A Start-menu entry; optionally a desktop icon and "start when I log in".
; - Event packs (.wpk) open with the kiosk: a double-click runs "watchparty-kiosk.exe open FILE"
;   (for this user, or for all users with an all-users install); the uninstaller removes it.
; - Upgrades in place: the AppId never changes, a running kiosk is closed first, and the old
;   _internal folder is removed before the new files go in (no stale libraries).
; - The uninstaller keeps the user's settings and logs (%LOCALAPPDATA%\watchparty-kiosk: the
;   remembered volume, the last good config) unless the user says yes to deleting them, or
;   passes /PURGEDATA to a silent uninstall.

#ifndef AppVersion
  #error Give the version: ISCC /DAppVersion=X.Y.Z
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\watchparty-kiosk"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "watchparty-kiosk"
#define AppExe "watchparty-kiosk.exe"
; The ProgID of an event pack: letters and periods only (Windows' rule for ProgIDs).
#define PackProgId "WatchpartyKiosk.EventPack"
; Where the kiosk keeps its state (platformdirs' user_state_dir on Windows).
#define UserDataDir "{localappdata}\watchparty-kiosk"

[Setup]
; The AppId identifies the product across versions: never change it (upgrades find the old
; install, its folder and its choices through it).
AppId={{6C1E9A3B-5F2D-4B7E-8A41-2D9C7E3F1B58}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=watchparty-kiosk developers
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per user by default, no UAC prompt; the user may choose all users in a dialog.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 needs Windows 10 or newer.
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
; Close a running kiosk (Restart Manager) before replacing its files; do not restart it.
CloseApplications=force
CloseApplicationsFilter=*.exe,*.dll,*.pyd,*.so
RestartApplications=no
SetupLogging=yes
; The .wpk association: Explorer is told to refresh its file types after install and uninstall.
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "autostart"; Description: "Start {#AppName} when I log in"; GroupDescription: "Start-up:"; Flags: unchecked
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: libraries an older version had must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Parameters: "--supervise"; WorkingDir: "{app}"
Name: "{autoprograms}\{#AppName} (rehearse in a window)"; Filename: "{app}\{#AppExe}"; Parameters: "--windowed"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Parameters: "--supervise"; WorkingDir: "{app}"; Tasks: desktopicon

[Registry]
; HKA is HKCU for a per-user install and HKLM for all users.
Root: HKA; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"" --supervise"; Tasks: autostart; Flags: uninsdeletevalue
; An upgrade without the task ticked takes an older autostart entry away.
Root: HKA; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: none; ValueName: "{#AppName}"; Tasks: not autostart; Flags: deletevalue
; Event packs: .wpk names the ProgID, whose open command makes the pack the host's event and
; starts the kiosk on it. HKA\Software\Classes is HKCU's for a per-user install.
Root: HKA; Subkey: "Software\Classes\.wpk"; ValueType: string; ValueName: ""; ValueData: "{#PackProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.wpk\OpenWithProgids"; ValueType: string; ValueName: "{#PackProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#PackProgId}"; ValueType: string; ValueName: ""; ValueData: "watchparty-kiosk event pack"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#PackProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#PackProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" open ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Parameters: "--windowed"; Description: "Rehearse the built-in event in a window now"; Flags: nowait postinstall skipifsilent unchecked

[UninstallRun]
; The Restart Manager does not run for the uninstaller: stop a running kiosk first.
Filename: "{sys}\taskkill.exe"; Parameters: "/F /IM {#AppExe}"; Flags: runhidden; RunOnceId: "StopKiosk"

[Code]
function CommandLineHas(const Switch: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), Switch) = 0 then
      Result := True;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
  Purge: Boolean;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := ExpandConstant('{#UserDataDir}');
  if not DirExists(DataDir) then
    Exit;
  if UninstallSilent then
    Purge := CommandLineHas('/PURGEDATA')
  else
    Purge := MsgBox('Also delete your watchparty-kiosk settings and logs?' + #13#10#13#10 +
                    DataDir + #13#10#13#10 +
                    'Choose No to keep them for a later install.',
                    mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if Purge then
    DelTree(DataDir, True, True, True);
end;

# The CallControl media worker. Build context: the repository's root (compose.yaml sets it), for
# Directory.Build.props, Directory.Packages.props, CallControl.sln and src/.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source

# Project files first: the restore layer is reused until a project or a package version changes.
COPY Directory.Build.props Directory.Packages.props CallControl.sln ./
COPY src/CallControl.Domain/CallControl.Domain.csproj src/CallControl.Domain/
COPY src/CallControl.Media/CallControl.Media.csproj src/CallControl.Media/
RUN dotnet restore src/CallControl.Media/CallControl.Media.csproj

COPY src/CallControl.Domain/ src/CallControl.Domain/
COPY src/CallControl.Media/ src/CallControl.Media/
RUN dotnet publish src/CallControl.Media/CallControl.Media.csproj --configuration Release --no-restore --output /app

# The worker uses ASP.NET Core's shared framework, so it runs on the aspnet image too.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# Made here and owned by the app user, so a new named volume mounted on it starts writable for the worker.
RUN mkdir -p /var/lib/callcontrol/recordings && chown app:app /var/lib/callcontrol/recordings
USER app
EXPOSE 5060/udp 5060/tcp
ENTRYPOINT ["dotnet", "CallControl.Media.dll"]

# The CallControl API. Build context: the repository's root (compose.yaml sets it), for
# Directory.Build.props, Directory.Packages.props, CallControl.sln and src/.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source

# Project files first: the restore layer is reused until a project or a package version changes.
COPY Directory.Build.props Directory.Packages.props CallControl.sln ./
COPY src/CallControl.Domain/CallControl.Domain.csproj src/CallControl.Domain/
COPY src/CallControl.Media/CallControl.Media.csproj src/CallControl.Media/
COPY src/CallControl.Api/CallControl.Api.csproj src/CallControl.Api/
RUN dotnet restore src/CallControl.Api/CallControl.Api.csproj

COPY src/ src/
RUN dotnet publish src/CallControl.Api/CallControl.Api.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# curl for the compose healthcheck on /health/live; the runtime image has no HTTP client.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
USER app
EXPOSE 8080
ENTRYPOINT ["dotnet", "CallControl.Api.dll"]

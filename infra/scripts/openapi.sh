#!/usr/bin/env bash
# Refreshes docs/openapi/v1.json from what the bot serves, after a change to the merchant or courier
# API. The integration tests generate their client from that file and fail while it differs.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build tests/ServiceBot.IntegrationTests -nologo -v quiet
SERVICEBOT_WRITE_OPENAPI=1 dotnet test tests/ServiceBot.IntegrationTests --no-build \
  --filter "FullyQualifiedName~ApiDescriptionTests.TheServedDocument"
git --no-pager diff --stat -- docs/openapi/v1.json

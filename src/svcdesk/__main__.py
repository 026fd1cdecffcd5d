from svcdesk.cli.main import run

run()

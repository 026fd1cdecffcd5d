from svcdesk.cli.launch import run

run()

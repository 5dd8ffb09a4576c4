from loader.cli.main import main

main()

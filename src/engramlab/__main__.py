from engramlab.cli import main

main()

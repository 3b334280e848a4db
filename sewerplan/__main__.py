from sewerplan.cli import main

main()

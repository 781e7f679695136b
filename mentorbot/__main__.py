from mentorbot.cli import main

main()

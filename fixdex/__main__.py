from fixdex.cli import main

raise SystemExit(main())

from northline.cli import main

raise SystemExit(main())

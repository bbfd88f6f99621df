" Filetype `requirements` (the name Vim 9.1 and Neovim 0.10+ use) for pip requirements and
" constraints files. `set filetype` rather than `setfiletype`: on older Neovim the generic
" `*.txt` rule has already said `text` when this runs, and `setfiletype` would keep that.
" Idempotent, so being sourced twice (by 'filetype on' and by a plugin manager) does no harm.
autocmd BufNewFile,BufRead requirements*.txt,requirements*.in,constraints*.txt,*-requirements.txt,*/requirements/*.txt,*/requirements/*.in
      \ if &filetype !=# 'requirements' | set filetype=requirements | endif
